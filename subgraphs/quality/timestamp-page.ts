import { withInstant } from '../kit/paging/timestamp';
import type { InspectionPageRow, InspectionRow } from './inspection/inspection.repository';
import type { NonconformancePageRow, NonconformanceRow } from './nonconformance/nonconformance.repository';

/** An inspection of a page as its type resolves it (the cursor text of `createdAt` read back as a Date). */
export const inspectionOfPage = (row: InspectionPageRow): InspectionRow => withInstant(row, 'createdAt');

/** An NCR of a page as its type resolves it (the cursor text of `reportedAt` read back as a Date). */
export const nonconformanceOfPage = (row: NonconformancePageRow): NonconformanceRow => withInstant(row, 'reportedAt');
