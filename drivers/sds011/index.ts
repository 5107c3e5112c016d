import { z } from 'zod';
import type { DriverDefinition } from '../driver.js';

// Placeholder so the driver registry type-checks while the sds011 driver is being written; replaced by it.
export const driver: DriverDefinition<never> = {
  name: 'sds011',
  description: 'sds011 (not yet available)',
  mode: 'poll',
  options: z.never(),
  open: () => Promise.reject(new Error('the sds011 driver is not available in this build')),
};
