/** The gauges system's tables as Kysely sees them (camelCase; the database uses snake_case). */
export interface GaugesDatabase {
  gauges: {
    id: string;
    name: string;
    /** Added by the second migration, as the "add a field" recipe says. */
    calibrationIntervalDays: number;
  };
}
