import { AppRegistry, HostSystemError } from '../../src/functions-host/core-api';
import { Disposable } from '../../src/functions-host/disposable';

describe('@azure/functions-core object', () => {
  const noLog = (): void => undefined;

  test('functions register only during startup; duplicates and late disposal are refused', () => {
    const registry = new AppRegistry(noLog);
    const metadata = { name: 'a', bindings: {} };
    const disposable = registry.registerFunction(metadata, () => undefined);
    expect(() => registry.registerFunction(metadata, () => undefined)).toThrow('Duplicate function id "a".');
    disposable.dispose();
    expect(registry.functions.size).toBe(0);
    const kept = registry.registerFunction({ ...metadata, functionId: 'id-a' }, () => undefined);
    registry.startupFinished = true;
    expect(() => registry.registerFunction({ name: 'b', bindings: {} }, () => undefined)).toThrow(
      new HostSystemError('A function can only be registered during app startup.'),
    );
    expect(() => kept.dispose()).toThrow('A function can only be disposed during app startup.');
    expect([...registry.functions.keys()]).toEqual(['id-a']);
  });

  test('hooks run in registration order, awaited one by one; disposing removes one', async () => {
    const registry = new AppRegistry(noLog);
    const calls: string[] = [];
    registry.registerHook('preInvocation', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      calls.push('first');
    });
    const second = registry.registerHook('preInvocation', () => {
      calls.push('second');
    });
    registry.registerHook('preInvocation', () => {
      calls.push('third');
    });
    await registry.runHooks('preInvocation', {});
    second.dispose();
    await registry.runHooks('preInvocation', {});
    expect(calls).toEqual(['first', 'second', 'third', 'first', 'third']);
  });

  test('an unknown hook name is a RangeError flagged as a system error (the library maps it for log hooks)', () => {
    const registry = new AppRegistry(noLog);
    let caught: unknown;
    try {
      registry.registerHook('sometimes', () => undefined);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RangeError);
    expect((caught as { isAzureFunctionsSystemError?: boolean }).isAzureFunctionsSystemError).toBe(true);
  });

  test('coreApi exposes what the library uses, and log goes to the host log', () => {
    const logged: string[] = [];
    const registry = new AppRegistry((level, category, message) => logged.push(`${level}/${category}/${message}`));
    const api = registry.coreApi() as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([
      'Disposable',
      'getProgrammingModel',
      'hostVersion',
      'log',
      'registerFunction',
      'registerHook',
      'setProgrammingModel',
      'version',
    ]);
    (api.log as (level: string, category: string, message: string) => void)('warning', 'system', 'hello');
    expect(logged).toEqual(['warning/system/hello']);
    const model = {
      name: 'm',
      version: '1',
      getInvocationModel: () => {
        throw new Error('unused');
      },
      getCapabilities: () => ({}),
    };
    (api.setProgrammingModel as (m: unknown) => void)(model);
    expect((api.getProgrammingModel as () => unknown)()).toBe(model);
  });

  test('Disposable runs its callback once; from() disposes all', () => {
    let count = 0;
    const one = new Disposable(() => count++);
    one.dispose();
    one.dispose();
    Disposable.from(new Disposable(() => count++), new Disposable(() => count++)).dispose();
    expect(count).toBe(3);
  });
});
