/**
 * The GraphQL documents the suites send, exactly as clients send them. Each
 * selects what any suite reads of its payload, and nothing a principal that
 * may run the mutation could be refused: a payload field its caller may not
 * read would turn an allowed mutation into a FORBIDDEN error.
 */

/** Every Orgraph mutation takes one input, `<Name>Input!`, here always the variable `$i`. */
export const mutation = (name: string, selection: string) =>
  `mutation($i: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $i) ${selection} }`;

// Organizations, members and machine clients.
export const CREATE_ORGANIZATION = mutation(
  'createOrganization',
  '{ organization { id slug name viewerRole members { edges { node { role user { id subject } } } } } }',
);
export const UPDATE_ORGANIZATION = mutation('updateOrganization', '{ organization { id name externalId } }');
export const ADD_MEMBER = mutation('addOrganizationMember', '{ member { role user { id subject } } }');
export const CHANGE_MEMBER_ROLE = mutation('changeOrganizationMemberRole', '{ member { role user { id subject } } }');
export const REMOVE_MEMBER = mutation(
  'removeOrganizationMember',
  '{ removedUserId organization { slug members { edges { node { role user { subject } } } } } }',
);
export const CREATE_MACHINE_CLIENT = mutation('createMachineClient', '{ machineClient { id clientId name role revokedAt organization { slug } } }');
export const REVOKE_MACHINE_CLIENT = mutation('revokeMachineClient', '{ machineClient { id clientId revokedAt } }');

// The catalog.
/** Who pushed a generation or published a version. */
export const ACTOR = '__typename ... on User { id subject } ... on MachineClient { id clientId }';
export const CREATE_ENVIRONMENT = mutation(
  'createEnvironment',
  `{ environment { id name owner { id } currentGeneration { number description manifest createdBy { ${ACTOR} } } } }`,
);
export const PUSH_GENERATION = mutation(
  'pushEnvironmentGeneration',
  `{ generation { number description manifest createdBy { ${ACTOR} } } environment { id name currentGeneration { number manifest } } }`,
);
export const SWITCH_GENERATION = mutation(
  'switchEnvironmentGeneration',
  '{ environment { id name currentGeneration { number description manifest } } }',
);
export const UPDATE_ENVIRONMENT_SETTINGS = mutation('updateEnvironmentSettings', '{ environment { id name owner { id subject } } }');
export const DELETE_ENVIRONMENT = mutation('deleteEnvironment', '{ deletedEnvironmentId organization { slug } }');
export const PUBLISH_PACKAGE = mutation(
  'publishPackage',
  `{ package { id name description versions { version systems description } } version { version systems description publishedBy { ${ACTOR} } } }`,
);

// Workspaces and groups. Never one connection inside another: the request cost limit multiplies page sizes.
export const GROUP_SCALARS = 'id name displayName description system role';
export const GROUP_FIELDS = `${GROUP_SCALARS} members(first: 50) { edges { node { id subject } } }`;
export const CREATE_WORKSPACE = mutation(
  'createWorkspace',
  `{ workspace { id slug name groups(first: 10) { edges { node { ${GROUP_SCALARS} } } } } }`,
);
export const SET_WORKSPACE_ROLE = mutation('setWorkspaceRole', '{ workspace { id } }');
export const REMOVE_WORKSPACE_MEMBER = mutation('removeWorkspaceMember', '{ workspace { id } }');
export const CREATE_GROUP = mutation('createGroup', `{ group { ${GROUP_FIELDS} } }`);
export const ADD_GROUP_MEMBER = mutation('addGroupMember', `{ group { ${GROUP_FIELDS} } }`);
export const REMOVE_GROUP_MEMBER = mutation('removeGroupMember', `{ group { ${GROUP_FIELDS} } }`);
export const DELETE_GROUP = mutation('deleteGroup', '{ workspace { groups(first: 50) { edges { node { id name } } } } }');
export const SAVE_THEME = mutation('saveTheme', '{ theme { name tokens } }');
export const SAVE_FONT = mutation('saveFont', '{ font { family source } }');

// Projects and their resources.
export const GRANT_FIELDS = 'role user { id subject } group { id name system }';
export const PROJECT_FIELDS = `id slug name viewerRole owner { id subject } grants { ${GRANT_FIELDS} }`;
export const CREATE_PROJECT = mutation('createProject', `{ project { ${PROJECT_FIELDS} } }`);
export const GRANT_PROJECT_ACCESS = mutation('grantProjectAccess', `{ project { id grants { ${GRANT_FIELDS} } } }`);
export const REVOKE_PROJECT_ACCESS = mutation('revokeProjectAccess', `{ project { id grants { ${GRANT_FIELDS} } } }`);
export const TRANSFER_PROJECT_OWNERSHIP = mutation(
  'transferProjectOwnership',
  `{ project { id owner { id subject } grants { ${GRANT_FIELDS} } } }`,
);
export const SAVE_PROCESS = mutation('saveProcess', '{ process { name definition } }');
export const SAVE_TEMPLATE = mutation('saveTemplate', '{ template { name } }');
export const SAVE_INTEGRATION = mutation('saveIntegration', '{ integration { name } }');
export const CREATE_BUILD = mutation('createBuild', '{ build { id version } }');
export const SET_ACTIVE_POLICY = mutation('setActivePolicy', '{ project { id } }');
export const SET_CONFIG_PARAMETER = mutation('setConfigParameter', '{ configParameter { key } }');
export const START_PROCESS_INSTANCE = mutation('startProcessInstance', '{ processInstance { id processName } }');
export const CREATE_OPERATION = mutation('createOperation', '{ operation { kind } }');
export const SET_PROCESS_VARIABLE = mutation('setProcessVariable', '{ processInstance { id } }');

// Reads.
export const VIEWER = '{ viewer { kind user { subject email } machineClient { clientId role organization { slug } } } }';
/** The caller's organizations with its role in each. */
export const ORGANIZATIONS = '{ organizations(first: 100) { edges { node { slug viewerRole } } } }';
export const NODE_ID = 'query($id: ID!) { node(id: $id) { id } }';

// Beyond the matrix: the role cards' other capabilities.
export const DELETE_PROJECT = mutation('deleteProject', '{ deletedProjectId workspace { id } }');
export const SAVE_WORKFLOW = mutation('saveWorkflow', '{ workflow { name definition } }');
export const SAVE_ENUMERATION = mutation('saveEnumeration', '{ enumeration { name values } }');
export const SAVE_PROJECT_MEDIA = mutation('saveProjectMedia', '{ media { name source contentType } }');
export const SAVE_AI_AGENT = mutation('saveAiAgent', '{ aiAgent { name config } }');
export const SAVE_REUSABLE_RESOURCE = mutation('saveReusableResource', '{ reusableResource { name body } }');
export const SAVE_PROJECT_SETTING = mutation('saveProjectSetting', '{ setting { key value } }');
export const SAVE_SCHEDULED_PROCESS = mutation('saveScheduledProcess', '{ scheduledProcess { id name processName schedule active } }');
export const SET_SCHEDULED_PROCESS_ACTIVE = mutation('setScheduledProcessActive', '{ scheduledProcess { id active } }');
export const DELETE_SCHEDULED_PROCESS = mutation('deleteScheduledProcess', '{ deletedScheduledProcessId project { id } }');
export const SAVE_WORKSPACE_MEDIA = mutation('saveWorkspaceMedia', '{ media { name source contentType } }');
export const SET_DEFAULT_THEME = mutation('setDefaultTheme', '{ workspace { id defaultTheme { name } } }');
export const SAVE_THEME_SECTION = mutation('saveThemeSection', '{ theme { name tokens sections { name tokens } } }');
export const UPDATE_WORKSPACE = mutation('updateWorkspace', '{ workspace { id name settings } }');
export const ADD_GROUP_MEMBERS = mutation('addGroupMembers', `{ group { ${GROUP_FIELDS} } }`);
export const CREATE_LIBRARY = mutation('createLibrary', `{ library { id slug name viewerRole owner { id subject } grants { ${GRANT_FIELDS} } } }`);
export const PUBLISH_LIBRARY_VERSION = mutation('publishLibraryVersion', '{ libraryVersion { id version description resources library { id } } }');
export const CREATE_BUILD_FROM_LIBRARY = mutation('createBuild', '{ build { id version libraryVersion { id version } } }');
export const SAVE_GLOBAL_FONT = mutation('saveGlobalFont', '{ font { family source } }');
export const SAVE_OUT_OF_OFFICE_POLICY = mutation('saveOutOfOfficePolicy', '{ policy { name rules } }');
export const DELETE_CONFIG_PARAMETER = mutation('deleteConfigParameter', '{ deletedKey project { id } }');
export const DELETE_THEME = mutation('deleteTheme', '{ workspace { id } }');

// Asking about access.
export const EXPLAIN_ACCESS = `query($p: ID!, $a: String!, $r: ID!) {
  explainAccess(principalId: $p, action: $a, resourceId: $r) {
    decision rule requiredRoles reason
    grants { role via scope { level id slug } group { id name } }
  }
}`;
