CREATE TYPE "public"."environment_event_kind" AS ENUM('CREATED', 'GENERATION_PUSHED', 'GENERATION_SWITCHED', 'RENAMED', 'OWNER_CHANGED');--> statement-breakpoint
CREATE TABLE "environment_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"environment_id" uuid NOT NULL,
	"kind" "environment_event_kind" NOT NULL,
	"generation" integer NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"author_user_id" uuid,
	"author_machine_client_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "environment_events_one_author" CHECK (num_nonnulls("environment_events"."author_user_id", "environment_events"."author_machine_client_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "environment_generations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"environment_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"manifest" jsonb NOT NULL,
	"description" text,
	"author_user_id" uuid,
	"author_machine_client_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "environment_generations_one_author" CHECK (num_nonnulls("environment_generations"."author_user_id", "environment_generations"."author_machine_client_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "environments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"owner_user_id" uuid,
	"current_generation" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "package_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"package_id" uuid NOT NULL,
	"version" text NOT NULL,
	"systems" text[] NOT NULL,
	"description" text,
	"author_user_id" uuid,
	"author_machine_client_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "package_versions_one_author" CHECK (num_nonnulls("package_versions"."author_user_id", "package_versions"."author_machine_client_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "packages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "environment_events" ADD CONSTRAINT "environment_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environment_events" ADD CONSTRAINT "environment_events_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environment_events" ADD CONSTRAINT "environment_events_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environment_events" ADD CONSTRAINT "environment_events_author_machine_client_id_machine_clients_id_fk" FOREIGN KEY ("author_machine_client_id") REFERENCES "public"."machine_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environment_generations" ADD CONSTRAINT "environment_generations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environment_generations" ADD CONSTRAINT "environment_generations_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environment_generations" ADD CONSTRAINT "environment_generations_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environment_generations" ADD CONSTRAINT "environment_generations_author_machine_client_id_machine_clients_id_fk" FOREIGN KEY ("author_machine_client_id") REFERENCES "public"."machine_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_versions" ADD CONSTRAINT "package_versions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_versions" ADD CONSTRAINT "package_versions_package_id_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."packages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_versions" ADD CONSTRAINT "package_versions_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_versions" ADD CONSTRAINT "package_versions_author_machine_client_id_machine_clients_id_fk" FOREIGN KEY ("author_machine_client_id") REFERENCES "public"."machine_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "packages" ADD CONSTRAINT "packages_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "environment_events_env_idx" ON "environment_events" USING btree ("environment_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "environment_generations_env_number_key" ON "environment_generations" USING btree ("environment_id","number");--> statement-breakpoint
CREATE INDEX "environment_generations_env_idx" ON "environment_generations" USING btree ("environment_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "environments_org_name_key" ON "environments" USING btree ("organization_id","name") WHERE "environments"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "environments_org_idx" ON "environments" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "package_versions_package_version_key" ON "package_versions" USING btree ("package_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "packages_org_name_key" ON "packages" USING btree ("organization_id","name");--> statement-breakpoint
CREATE INDEX "packages_org_idx" ON "packages" USING btree ("organization_id","created_at","id");