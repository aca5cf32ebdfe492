/** The rows behind the libraries feature's GraphQL types (read by `npm run codegen`: each `<Type>Mapper`). */
import type { LibraryVersionRow, ProjectRow } from '../../db/schema.js';

/** A library is a row of `projects` of kind LIBRARY. */
export type LibraryMapper = ProjectRow;
export type LibraryVersionMapper = LibraryVersionRow;
