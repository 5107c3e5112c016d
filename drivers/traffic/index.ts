import { z } from 'zod';
import type { DriverDefinition } from '../driver.js';

// Placeholder so the driver registry type-checks while the traffic driver is being written; replaced by it.
export const driver: DriverDefinition<never> = {
  name: 'traffic',
  description: 'traffic (not yet available)',
  mode: 'poll',
  options: z.never(),
  open: () => Promise.reject(new Error('the traffic driver is not available in this build')),
};
