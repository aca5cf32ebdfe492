CREATE TYPE "public"."organization_resource_kind" AS ENUM('FONT', 'OUT_OF_OFFICE_POLICY');--> statement-breakpoint
CREATE TYPE "public"."project_kind" AS ENUM('PROJECT', 'LIBRARY');--> statement-breakpoint
ALTER TYPE "public"."project_resource_kind" ADD VALUE 'WORKFLOW';--> statement-breakpoint
ALTER TYPE "public"."project_resource_kind" ADD VALUE 'ENUMERATION';--> statement-breakpoint
ALTER TYPE "public"."project_resource_kind" ADD VALUE 'MEDIA';--> statement-breakpoint
ALTER TYPE "public"."project_resource_kind" ADD VALUE 'AI_AGENT';--> statement-breakpoint
ALTER TYPE "public"."project_resource_kind" ADD VALUE 'REUSABLE_RESOURCE';--> statement-breakpoint
ALTER TYPE "public"."project_resource_kind" ADD VALUE 'SETTING';--> statement-breakpoint
ALTER TYPE "public"."workspace_resource_kind" ADD VALUE 'MEDIA';--> statement-breakpoint
CREATE TABLE "library_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"version" text NOT NULL,
	"description" text,
	"resources" jsonb NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organization_resources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"kind" "organization_resource_kind" NOT NULL,
	"name" text NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scheduled_processes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"process_name" text NOT NULL,
	"schedule" text NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "library_version_id" uuid;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "kind" "project_kind" DEFAULT 'PROJECT' NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "settings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "default_theme_id" uuid;--> statement-breakpoint
ALTER TABLE "library_versions" ADD CONSTRAINT "library_versions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_versions" ADD CONSTRAINT "library_versions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_versions" ADD CONSTRAINT "library_versions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_versions" ADD CONSTRAINT "library_versions_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_resources" ADD CONSTRAINT "organization_resources_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_processes" ADD CONSTRAINT "scheduled_processes_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_processes" ADD CONSTRAINT "scheduled_processes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_processes" ADD CONSTRAINT "scheduled_processes_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_processes" ADD CONSTRAINT "scheduled_processes_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "library_versions_key" ON "library_versions" USING btree ("project_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "organization_resources_key" ON "organization_resources" USING btree ("organization_id","kind","name");--> statement-breakpoint
CREATE UNIQUE INDEX "scheduled_processes_key" ON "scheduled_processes" USING btree ("project_id","name");--> statement-breakpoint
CREATE INDEX "scheduled_processes_org_idx" ON "scheduled_processes" USING btree ("organization_id");--> statement-breakpoint
ALTER TABLE "builds" ADD CONSTRAINT "builds_library_version_id_library_versions_id_fk" FOREIGN KEY ("library_version_id") REFERENCES "public"."library_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_default_theme_id_workspace_resources_id_fk" FOREIGN KEY ("default_theme_id") REFERENCES "public"."workspace_resources"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- The new tables tell of their writes too (see 0006_change_feed.sql).
CREATE TRIGGER orgraph_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "library_versions" FOR EACH STATEMENT EXECUTE FUNCTION orgraph_notify_change();--> statement-breakpoint
CREATE TRIGGER orgraph_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "scheduled_processes" FOR EACH STATEMENT EXECUTE FUNCTION orgraph_notify_change();--> statement-breakpoint
CREATE TRIGGER orgraph_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organization_resources" FOR EACH STATEMENT EXECUTE FUNCTION orgraph_notify_change();
