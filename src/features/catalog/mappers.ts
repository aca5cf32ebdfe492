/** The rows behind the catalog's GraphQL types (read by `npm run codegen`: each `<Type>Mapper`). */
import type { EnvironmentEventRow, EnvironmentRow, PackageRow, PackageVersionRow } from '../../db/schema.js';
import type { ActorRow } from './actor.js';
import type { ListedGeneration } from './environment-queries.js';

export type EnvironmentMapper = EnvironmentRow;
/** A generation read by a list comes without its manifest; one read by number, with it. */
export type EnvironmentGenerationMapper = ListedGeneration;
export type EnvironmentEventMapper = EnvironmentEventRow;
export type DeleteEnvironmentPayloadMapper = EnvironmentRow;
export type PackageMapper = PackageRow;
export type PackageVersionMapper = PackageVersionRow;
export type ActorMapper = ActorRow;
