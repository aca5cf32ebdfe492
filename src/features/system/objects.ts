/** Where the organization's system settings sit: at the organization level. */
import { placed, type ObjectTypes } from '../../access/scopes.js';
import type { Context } from '../context.js';

export const systemObjects: ObjectTypes<Context> = {
  GlobalFont: { scopeOf: placed },
  OutOfOfficePolicy: { scopeOf: placed },
};
