import { z } from 'zod';
import { type RpcLogLevel } from './core-types';
import { logLevels } from './host-log';

/** Messages between `startFunctionsHost` (parent) and the host process it forks, validated on receipt. */
const keysSchema = z.object({ functionKey: z.string(), masterKey: z.string() });
const logLevelSchema = z.enum(logLevels as [RpcLogLevel, ...RpcLogLevel[]]);

export const startMessageSchema = z.object({
  type: z.literal('start'),
  appRoot: z.string(),
  port: z.number().int().min(0).max(65535).optional(),
  keys: keysSchema.optional(),
  keysFile: z.string().optional(),
  logLevel: logLevelSchema.optional(),
  forwardLogs: z.boolean(),
});
export type StartMessage = z.infer<typeof startMessageSchema>;

export const logEntrySchema = z.object({
  time: z.string(),
  level: logLevelSchema,
  category: z.enum(['user', 'system', 'customMetric', 'host', 'console']),
  message: z.string(),
  functionName: z.string().optional(),
  invocationId: z.string().optional(),
});

const listingSchema = z.object({
  name: z.string(),
  trigger: z.string(),
  methods: z.array(z.string()),
  authLevel: z.enum(['anonymous', 'function', 'admin']).optional(),
  route: z.string().optional(),
});

export const childMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    url: z.string(),
    port: z.number(),
    keys: keysSchema,
    keysSource: z.enum(['options', 'environment', 'file', 'generated']),
    keysFile: z.string(),
    routePrefix: z.string(),
    streaming: z.boolean(),
    settingsFile: z.string().optional(),
    settingsApplied: z.array(z.string()),
    functions: z.array(listingSchema),
  }),
  z.object({ type: z.literal('log'), entry: logEntrySchema }),
  z.object({ type: z.literal('failed'), message: z.string() }),
  z.object({ type: z.literal('stopped') }),
]);
export type ChildMessage = z.infer<typeof childMessageSchema>;
export type ReadyMessage = Extract<ChildMessage, { type: 'ready' }>;

export const parentMessageSchema = z.discriminatedUnion('type', [
  startMessageSchema,
  z.object({ type: z.literal('stop') }),
]);
