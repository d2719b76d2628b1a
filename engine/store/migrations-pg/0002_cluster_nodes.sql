CREATE TABLE "cluster_nodes" (
	"id" text PRIMARY KEY NOT NULL,
	"ari_url" text NOT NULL,
	"started_at" bigint NOT NULL,
	"heartbeat_at" bigint NOT NULL,
	"state" text NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"agents" integer DEFAULT 0 NOT NULL,
	"down_at" bigint,
	"reaped_by" text
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "node_id" text;--> statement-breakpoint
CREATE INDEX "cluster_nodes_state_heartbeat_idx" ON "cluster_nodes" USING btree ("state","heartbeat_at");--> statement-breakpoint
CREATE INDEX "agents_node_idx" ON "agents" USING btree ("node_id");