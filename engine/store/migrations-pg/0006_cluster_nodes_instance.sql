ALTER TABLE "cluster_nodes" ADD COLUMN "instance_id" text;--> statement-breakpoint
ALTER TABLE "cluster_nodes" ADD COLUMN "host" text;--> statement-breakpoint
ALTER TABLE "cluster_nodes" ADD COLUMN "pid" integer;