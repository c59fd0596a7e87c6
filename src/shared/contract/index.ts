import type { z } from 'zod';
import { appMethods } from './app';
import { authMethods, sessionMethods } from './auth';
import { eventMethods, operatorMethods, settingsMethods } from './admin';
import { scanMethods } from './scan';
import { packMethods, qcMethods } from './pack';
import { returnsMethods } from './returns';
import { reviewMethods } from './review';
import { analyticsMethods } from './analytics';
import { printingMethods } from './printing';
import { devicesMethods } from './devices';
import { syncMethods } from './sync';

/**
 * The whole contract between the renderer and the core: one entry per method, named
 * `domain.action`, with its input and output schemas and the roles allowed.
 */
export const contract = {
  ...appMethods,
  ...authMethods,
  ...sessionMethods,
  ...scanMethods,
  ...settingsMethods,
  ...operatorMethods,
  ...eventMethods,
  ...packMethods,
  ...qcMethods,
  ...returnsMethods,
  ...reviewMethods,
  ...analyticsMethods,
  ...printingMethods,
  ...devicesMethods,
  ...syncMethods,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export * from './errors';
export * from './define';
export * from './common';
export * from './app';
export * from './scan';
export * from './admin';
export * from './events';
export * from './pack';
export * from './returns';
export * from './review';
export * from './analytics';
export * from './printing';
export * from './devices';
export * from './sync';
