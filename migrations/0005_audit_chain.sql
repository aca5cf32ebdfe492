CREATE TYPE "public"."audit_outcome" AS ENUM('SUCCEEDED', 'DENIED');--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "outcome" "audit_outcome" DEFAULT 'SUCCEEDED' NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "previous_hash" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "hash" text;