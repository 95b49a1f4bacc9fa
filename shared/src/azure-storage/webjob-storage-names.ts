// Where the WebJob keeps its state: it writes there, and the Function App's console reads the
// same places for its operations page. Every name derives from STORAGE_NAME_PREFIX; queue and
// container names must be lower case (table names are not case-sensitive).
export interface WebJobStorageNames {
  /** The checkpoint per ledger source and consumer, and the dead letters' by-kind index. */
  checkpointsTable: string;
  deadLetterQueue: string;
  /** Holds the leadership lease's blob. */
  leasesContainer: string;
}

export function webJobStorageNames(prefix: string): WebJobStorageNames {
  const lower = prefix.toLowerCase();
  return {
    checkpointsTable: `${prefix}Checkpoints`,
    deadLetterQueue: `${lower}-deadletters`,
    leasesContainer: `${lower}-leases`,
  };
}
