/** Mocha's BDD functions, which @web/test-runner-mocha puts on the page, with types. */
type Test = (this: { timeout(ms: number): void }) => void | Promise<void>;

interface MochaGlobals {
  describe(title: string, body: () => void): void;
  it(title: string, test: Test): void;
  beforeEach(hook: Test): void;
  afterEach(hook: Test): void;
}

const mocha = globalThis as unknown as MochaGlobals;
export const describe = mocha.describe.bind(globalThis);
export const it = mocha.it.bind(globalThis);
export const beforeEach = mocha.beforeEach.bind(globalThis);
export const afterEach = mocha.afterEach.bind(globalThis);
