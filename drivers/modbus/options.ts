import * as z from 'zod';
import { profileProblem } from './profiles.js';
import { planningKeys, registerSchema } from './register-map-schema.js';

export {
  type Profile,
  planningKeys,
  profileSchema,
  type RegisterDef,
  type RegisterInput,
  registerSchema,
} from './register-map-schema.js';

/** A Modbus device's options in the gateway config (beside id, driver, every). */
export const modbusOptionsSchema = z
  .strictObject({
    /** Id of a bus in the config's `buses:` section (an RS-485 line, or a TCP gateway). */
    bus: z.string().min(1).optional(),
    /** Modbus TCP device, when not on a declared bus. */
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).default(502),
    /** With host: RTU frames over a TCP socket (serial-to-Ethernet converters in transparent mode). */
    rtuOverTcp: z.boolean().default(false),
    /** Slave (unit) id: 1–247 on a serial line; TCP devices often answer any id, 255 or 0 is common. */
    unit: z.number().int().min(0).max(255).default(1),
    /** A profile name (a file of profiles/) or a path to a profile YAML. */
    profile: z.string().min(1).optional(),
    /** Values to read besides (or instead of) the profile's. */
    registers: z.array(registerSchema).optional(),
    /** Measurement when there is no profile (default: the profile's). */
    measurement: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/)
      .optional(),
    tags: z.record(z.string(), z.string()).default({}),
    ...planningKeys,
    /** How long to wait for this slave's reply (default: the bus' timeoutMs, else 1000). */
    timeoutMs: z.number().int().min(1).max(60_000).optional(),
    /** Further attempts after a request got no reply, before the poll gives up on it. */
    retries: z.number().int().min(0).max(10).default(1),
  })
  .superRefine((o, ctx) => {
    if ((o.bus === undefined) === (o.host === undefined))
      ctx.addIssue({ code: 'custom', path: ['bus'], message: 'give either bus (a declared bus) or host (Modbus TCP)' });
    if (o.profile !== undefined) {
      const problem = profileProblem(o.profile);
      if (problem) ctx.addIssue({ code: 'custom', path: ['profile'], message: problem });
    }
    if (o.profile === undefined && !o.registers?.length)
      ctx.addIssue({ code: 'custom', path: ['profile'], message: 'give a profile or a registers list' });
    if (o.profile === undefined && o.registers?.length && o.measurement === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['measurement'],
        message: 'a device without a profile needs a measurement',
      });
  });

export type ModbusOptions = z.output<typeof modbusOptionsSchema>;
export type ModbusOptionsInput = z.input<typeof modbusOptionsSchema>;
