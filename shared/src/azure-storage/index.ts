// @lease-premium/events/azure-storage: the Azure Storage plumbing the WebJob and the Function App
// share (settings, endpoints, failure statuses, table keys). No storage SDK is loaded from here.
export {
  isPlainHttp,
  readStorageSettings,
  storageCredential,
  storageServiceUrl,
  type StorageService,
  type StorageSettings,
} from './storage-settings';
export { isConflict, statusOf } from './storage-status';
export { decodeTableKey, encodeTableKey, odataString, padNumber } from './table-keys';
export { webJobStorageNames, type WebJobStorageNames } from './webjob-storage-names';
