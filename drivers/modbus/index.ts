import { z } from 'zod';
import type { DriverDefinition } from '../driver.js';

// Placeholder so the driver registry type-checks while the modbus driver is being written; replaced by it.
export const driver: DriverDefinition<never> = {
  name: 'modbus',
  description: 'modbus (not yet available)',
  mode: 'poll',
  options: z.never(),
  open: () => Promise.reject(new Error('the modbus driver is not available in this build')),
};
