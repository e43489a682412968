ALTER TABLE "runs" ADD COLUMN "dispatch_event_id" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "execution_id" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "reconciled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "pinned" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "run_retention_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
CREATE INDEX "runs_finished_idx" ON "runs" USING btree ("finished_at");