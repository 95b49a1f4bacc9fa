export default async function globalTeardown(): Promise<void> {
  await globalThis.__AZURITE__?.stop();
  globalThis.__AZURITE__ = undefined; // each project with Azurite runs this teardown
}
