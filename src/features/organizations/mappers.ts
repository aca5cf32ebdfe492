/** The rows behind the organizations feature's GraphQL types (read by `npm run codegen`: each `<Type>Mapper`). */
import type { MachineClientRow, OrganizationMemberRow, OrganizationRow } from '../../db/schema.js';

export type OrganizationMapper = OrganizationRow;
export type OrganizationMemberMapper = OrganizationMemberRow;
export type MachineClientMapper = MachineClientRow;

/** What `removeOrganizationMember` answers with: who left which organization. */
export interface RemoveOrganizationMemberPayloadMapper {
  organizationId: string;
  userId: string;
}
