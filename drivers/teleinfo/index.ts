import { z } from 'zod';
import type { DriverDefinition } from '../driver.js';

// Placeholder so the driver registry type-checks while the teleinfo driver is being written; replaced by it.
export const driver: DriverDefinition<never> = {
  name: 'teleinfo',
  description: 'teleinfo (not yet available)',
  mode: 'poll',
  options: z.never(),
  open: () => Promise.reject(new Error('the teleinfo driver is not available in this build')),
};
