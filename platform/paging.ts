/**
 * Page sizes of every paged list, shared by the subgraphs (which refuse a larger `first`) and the
 * gateway (whose cost limit counts a connection's rows as its `first`, or the default).
 */

/** Rows per page when `first` is not given. */
export const PAGE_SIZE_DEFAULT = 50;

/** The largest `first` a list accepts. */
export const PAGE_SIZE_MAX = 200;
