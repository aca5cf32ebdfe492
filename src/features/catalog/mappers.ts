/** The rows behind the catalog's GraphQL types (read by `npm run codegen`: each `<Type>Mapper`). */
import type { EnvironmentEventRow, EnvironmentGenerationRow, EnvironmentRow, PackageRow, PackageVersionRow } from '../../db/schema.js';
import type { ActorRow } from './actor.js';

export type EnvironmentMapper = EnvironmentRow;
export type EnvironmentGenerationMapper = EnvironmentGenerationRow;
export type EnvironmentEventMapper = EnvironmentEventRow;
export type DeleteEnvironmentPayloadMapper = EnvironmentRow;
export type PackageMapper = PackageRow;
export type PackageVersionMapper = PackageVersionRow;
export type ActorMapper = ActorRow;
