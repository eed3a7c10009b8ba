/** One operation as the gateway answered it, with the coordinates it selected after the authorization cut. */
export interface OperationUse {
  readonly at: number;
  readonly clientName: string;
  readonly clientVersion: string;
  readonly operationName: string;
  readonly documentHash: string;
  readonly coordinates: readonly string[];
  readonly failed: boolean;
  readonly durationMs: number;
}

export interface FieldTally {
  count: number;
  errorCount: number;
}

/** The totals of one (bucket, client, version, operation, document) between two flushes. */
export interface UsageRecord {
  readonly bucket: Date;
  readonly clientName: string;
  readonly clientVersion: string;
  readonly operationName: string;
  readonly documentHash: string;
  count: number;
  errorCount: number;
  durationMsSum: number;
  durationMsMax: number;
  lastSeen: Date;
  readonly fields: Map<string, FieldTally>;
}

/**
 * Sums operations in memory per time bucket, client, operation and document. At most
 * `maxRecords` distinct keys are held between two flushes; an operation that would need one more
 * is dropped and counted, so that a flood of distinct documents cannot grow the heap.
 */
export class UsageAggregator {
  private records = new Map<string, UsageRecord>();

  constructor(
    private readonly bucketMs: number,
    private readonly maxRecords: number,
    private readonly onDropped: (records: number) => void,
  ) {}

  add(use: OperationUse): void {
    const bucket = Math.floor(use.at / this.bucketMs) * this.bucketMs;
    const key = `${bucket}\0${use.clientName}\0${use.clientVersion}\0${use.operationName}\0${use.documentHash}`;
    let record = this.records.get(key);
    if (!record) {
      if (this.records.size >= this.maxRecords) return this.onDropped(1);
      record = {
        bucket: new Date(bucket),
        clientName: use.clientName,
        clientVersion: use.clientVersion,
        operationName: use.operationName,
        documentHash: use.documentHash,
        count: 0,
        errorCount: 0,
        durationMsSum: 0,
        durationMsMax: 0,
        lastSeen: new Date(use.at),
        fields: new Map(),
      };
      this.records.set(key, record);
    }
    const error = use.failed ? 1 : 0;
    record.count += 1;
    record.errorCount += error;
    record.durationMsSum += use.durationMs;
    record.durationMsMax = Math.max(record.durationMsMax, use.durationMs);
    if (use.at > record.lastSeen.getTime()) record.lastSeen = new Date(use.at);
    for (const coordinate of use.coordinates) {
      const tally = record.fields.get(coordinate);
      if (tally) {
        tally.count += 1;
        tally.errorCount += error;
      } else {
        record.fields.set(coordinate, { count: 1, errorCount: error });
      }
    }
  }

  /** Hands over every record held and starts afresh. */
  take(): UsageRecord[] {
    const taken = [...this.records.values()];
    this.records = new Map();
    return taken;
  }

  get size(): number {
    return this.records.size;
  }
}
