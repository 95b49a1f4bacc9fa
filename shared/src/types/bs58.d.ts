// bs58@4 (the version bigchaindb-driver uses) ships no type declarations; this is its CommonJS API.
declare module 'bs58' {
  const bs58: { encode(source: Uint8Array): string; decode(text: string): Buffer; decodeUnsafe(text: string): Buffer | undefined };
  export = bs58;
}
