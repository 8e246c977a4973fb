// node:test's describe/test return promises that the runner itself awaits; these wrappers say so,
// which keeps @typescript-eslint/no-floating-promises quiet without an eslint override for web.
import { describe as nodeDescribe, test as nodeTest } from 'node:test';

export function describe(name: string, fn: () => void): void {
  void nodeDescribe(name, fn);
}

export function test(name: string, fn: () => void | Promise<void>): void {
  void nodeTest(name, fn);
}
