// The benchmarks' fixed Ed25519 key pairs: the sample keys of the BigchainDB documentation
// (https://docs.bigchaindb.com/projects/py-driver/en/latest/usage.html), public, not secrets.
export const SAMPLE_ISSUER = {
  private_key: 'CfdqtD7sS7FgkMoGPXw55MVGGFwQLAoHYTcBhZDtF99Z',
  public_key: '4K9sWUMFwTgaDGPfdynrbxWqWS6sWmKbZoTjxLtVUibD',
};
export const SAMPLE_LESSEE = {
  private_key: '3AeWpPdhEZzWLYfkfYHBfMFC2r1f8HEaGS9NtbbKssya',
  public_key: '3yfQPHeWAa1MxTX9Zf9176QqcpcnWcanVZZbaHb8B3h9',
};
