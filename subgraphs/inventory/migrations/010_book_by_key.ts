import { sql, type Kysely, type Migration } from 'kysely';

// The documents as they were and are, frozen here: a migration must not change when the code does.
const LIST_QUERY = `query InventoryBookQuantity($siteId: ID!, $materialIds: [ID!]) {
  materialSites(siteId: $siteId, materialIds: $materialIds) { materialId siteId bookQuantity }
}`;
const KEY_QUERY = `query InventoryBookQuantity($materialId: ID!, $siteId: ID!) {
  materialSite(materialId: $materialId, siteId: $siteId) { materialId siteId bookQuantity }
}`;
const BOOK_READS = ['inventory.judgeCount', 'inventory.readBookToPost'];

/**
 * Commands that read ERP's book and are not delivered yet asked for ERP's list of material-sites,
 * which is now a page: they are rewritten to ask for the one material-site by its key, so that
 * they deliver (or, parked, deliver on retry) after the upgrade.
 */
export const bookByKeyMigration: Migration = {
  async up(db: Kysely<any>) {
    await sql`
      update outbox_commands
      set document = ${KEY_QUERY},
          variables = jsonb_build_object('materialId', variables->'materialIds'->>0, 'siteId', variables->>'siteId')
      where type = any(${BOOK_READS}) and status <> 'DELIVERED' and variables ? 'materialIds'`.execute(db);
  },
  async down(db: Kysely<any>) {
    await sql`
      update outbox_commands
      set document = ${LIST_QUERY},
          variables = jsonb_build_object('siteId', variables->>'siteId', 'materialIds', jsonb_build_array(variables->>'materialId'))
      where type = any(${BOOK_READS}) and status <> 'DELIVERED' and variables ? 'materialId'`.execute(db);
  },
};
