import { materialNumbersMigration } from '../../kit/material-numbers';

/** The material numbers an audit may name; an existing database starts with those its audits name. */
export const auditsMaterialNumbersMigration = materialNumbersMigration(['select material_id from audits']);
