import { TableClient } from '@azure/data-tables';
import { testStorageConnectionString, uniqueName } from './support/storage';

// Proves the harness hands every suite a working, real Azurite.
describe('Azurite test harness', () => {
  it('serves the Table API on the connection string it publishes', async () => {
    const table = TableClient.fromConnectionString(testStorageConnectionString(), uniqueName('harness'), {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.createEntity({ partitionKey: 'p', rowKey: 'r', value: 42 });
    const entity = await table.getEntity<{ value: number }>('p', 'r');
    expect(entity.value).toBe(42);
    await table.deleteTable();
  });
});
