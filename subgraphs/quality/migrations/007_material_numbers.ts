import { materialNumbersMigration } from '../../kit/material-numbers';

/** The material numbers an NCR may name; an existing database starts with those its records name. */
export const qualityMaterialNumbersMigration = materialNumbersMigration([
  'select material_id from inspections',
  'select material_id from quality_holds',
  'select material_id from nonconformances',
]);
