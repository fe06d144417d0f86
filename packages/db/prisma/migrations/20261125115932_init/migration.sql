-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "videos" (
    "id" SERIAL NOT NULL,
    "filename" TEXT NOT NULL,
    "original_url" TEXT,
    "title" TEXT,
    "duration" DOUBLE PRECISION,
    "width" INTEGER,
    "height" INTEGER,
    "file_size" BIGINT,
    "thumbnail_path" TEXT,
    "upload_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "notes" TEXT,

    CONSTRAINT "videos_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tags" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT,
    "created_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),

    CONSTRAINT "tags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "video_tags" (
    "video_id" INTEGER NOT NULL,
    "tag_id" INTEGER NOT NULL,
    "added_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),

    CONSTRAINT "video_tags_pkey" PRIMARY KEY ("video_id","tag_id")
);

-- CreateTable
CREATE TABLE "behaviors" (
    "id" SERIAL NOT NULL,
    "video_id" INTEGER,
    "behavior_type" TEXT NOT NULL,
    "start_time" DOUBLE PRECISION,
    "end_time" DOUBLE PRECISION,
    "confidence" DOUBLE PRECISION,
    "notes" TEXT,
    "annotated_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),

    CONSTRAINT "behaviors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "time_range_tags" (
    "id" SERIAL NOT NULL,
    "video_id" INTEGER NOT NULL,
    "tag_name" TEXT NOT NULL,
    "start_time" DOUBLE PRECISION NOT NULL,
    "end_time" DOUBLE PRECISION,
    "is_negative" BOOLEAN DEFAULT false,
    "comment" TEXT,
    "created_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),

    CONSTRAINT "time_range_tags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "keyframe_annotations" (
    "id" SERIAL NOT NULL,
    "video_id" INTEGER NOT NULL,
    "timestamp" DOUBLE PRECISION NOT NULL,
    "bbox_x" INTEGER NOT NULL,
    "bbox_y" INTEGER NOT NULL,
    "bbox_width" INTEGER NOT NULL,
    "bbox_height" INTEGER NOT NULL,
    "activity_tag" TEXT,
    "moment_tag" TEXT,
    "is_negative" BOOLEAN DEFAULT false,
    "comment" TEXT,
    "created_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "reviewed" BOOLEAN DEFAULT false,

    CONSTRAINT "keyframe_annotations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tag_groups" (
    "id" SERIAL NOT NULL,
    "group_name" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "group_type" TEXT NOT NULL,
    "description" TEXT,
    "is_required" BOOLEAN DEFAULT false,
    "applies_to" TEXT,
    "sort_order" INTEGER DEFAULT 0,
    "created_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),

    CONSTRAINT "tag_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tag_options" (
    "id" SERIAL NOT NULL,
    "group_id" INTEGER NOT NULL,
    "option_value" TEXT NOT NULL,
    "display_text" TEXT NOT NULL,
    "is_negative" BOOLEAN DEFAULT false,
    "description" TEXT,
    "sort_order" INTEGER DEFAULT 0,
    "created_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),

    CONSTRAINT "tag_options_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "annotation_tags" (
    "id" SERIAL NOT NULL,
    "annotation_id" INTEGER NOT NULL,
    "annotation_type" TEXT NOT NULL,
    "group_id" INTEGER NOT NULL,
    "tag_value" TEXT NOT NULL,
    "created_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),

    CONSTRAINT "annotation_tags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tag_suggestions" (
    "id" SERIAL NOT NULL,
    "category" TEXT NOT NULL,
    "tag_text" TEXT NOT NULL,
    "is_negative" BOOLEAN DEFAULT false,
    "description" TEXT,
    "sort_order" INTEGER DEFAULT 0,
    "created_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),

    CONSTRAINT "tag_suggestions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "yolo_export_configs" (
    "id" SERIAL NOT NULL,
    "config_name" TEXT NOT NULL,
    "description" TEXT,
    "class_mapping" JSONB NOT NULL,
    "include_reviewed_only" BOOLEAN DEFAULT false,
    "include_ai_generated" BOOLEAN DEFAULT true,
    "include_negative_examples" BOOLEAN DEFAULT true,
    "min_confidence" DOUBLE PRECISION DEFAULT 0.0,
    "export_format" TEXT DEFAULT 'yolov8',
    "created_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "last_export_date" TIMESTAMP(6),
    "last_export_count" INTEGER DEFAULT 0,

    CONSTRAINT "yolo_export_configs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "yolo_export_videos" (
    "id" SERIAL NOT NULL,
    "export_config_id" INTEGER NOT NULL,
    "video_id" INTEGER NOT NULL,
    "included" BOOLEAN DEFAULT true,
    "notes" TEXT,
    "created_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),

    CONSTRAINT "yolo_export_videos_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "yolo_export_filters" (
    "id" SERIAL NOT NULL,
    "export_config_id" INTEGER NOT NULL,
    "filter_type" TEXT NOT NULL,
    "filter_value" TEXT NOT NULL,
    "is_exclusion" BOOLEAN DEFAULT false,
    "created_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),

    CONSTRAINT "yolo_export_filters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "yolo_export_logs" (
    "id" SERIAL NOT NULL,
    "export_config_id" INTEGER NOT NULL,
    "export_path" TEXT NOT NULL,
    "video_count" INTEGER NOT NULL,
    "annotation_count" INTEGER NOT NULL,
    "export_format" TEXT NOT NULL,
    "export_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "notes" TEXT,

    CONSTRAINT "yolo_export_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fleet_vehicles" (
    "id" SERIAL NOT NULL,
    "fleet_id" TEXT NOT NULL,
    "fleet_type" TEXT,
    "vehicle_type" TEXT,
    "vehicle_make" TEXT,
    "vehicle_model" TEXT,
    "primary_color" TEXT,
    "secondary_color" TEXT,
    "agency_name" TEXT,
    "plate_number" TEXT,
    "plate_state" TEXT,
    "first_seen_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "last_seen_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "total_detections" INTEGER DEFAULT 0,
    "notes" TEXT,

    CONSTRAINT "fleet_vehicles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vehicle_person_links" (
    "id" SERIAL NOT NULL,
    "vehicle_fleet_id" TEXT NOT NULL,
    "person_name" TEXT NOT NULL,
    "first_seen_together" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "last_seen_together" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "times_seen_together" INTEGER DEFAULT 1,

    CONSTRAINT "vehicle_person_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trailers" (
    "id" SERIAL NOT NULL,
    "trailer_id" TEXT NOT NULL,
    "trailer_type" TEXT,
    "trailer_color" TEXT,
    "plate_number" TEXT,
    "plate_state" TEXT,
    "first_seen_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "last_seen_date" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "total_detections" INTEGER DEFAULT 0,
    "notes" TEXT,

    CONSTRAINT "trailers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vehicle_trailer_links" (
    "id" SERIAL NOT NULL,
    "vehicle_fleet_id" TEXT NOT NULL,
    "trailer_id" TEXT NOT NULL,
    "first_seen_together" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "last_seen_together" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "times_seen_together" INTEGER DEFAULT 1,

    CONSTRAINT "vehicle_trailer_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_config" (
    "id" SERIAL NOT NULL,
    "config_key" TEXT NOT NULL,
    "config_value" TEXT,
    "is_encrypted" BOOLEAN DEFAULT false,
    "created_at" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "updated_at" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),

    CONSTRAINT "sync_config_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_history" (
    "id" SERIAL NOT NULL,
    "sync_type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "started_at" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "completed_at" TIMESTAMP(6),
    "items_processed" INTEGER DEFAULT 0,
    "items_succeeded" INTEGER DEFAULT 0,
    "items_failed" INTEGER DEFAULT 0,
    "error_message" TEXT,
    "details" JSONB,

    CONSTRAINT "sync_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ecoeye_alerts" (
    "id" SERIAL NOT NULL,
    "alert_id" TEXT NOT NULL,
    "camera_id" TEXT,
    "timestamp" TEXT,
    "alert_type" TEXT,
    "confidence" DOUBLE PRECISION,
    "video_id" TEXT,
    "video_available" BOOLEAN,
    "video_downloaded" BOOLEAN DEFAULT false,
    "local_video_path" TEXT,
    "video_path" TEXT,
    "metadata" JSONB,
    "synced_at" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),

    CONSTRAINT "ecoeye_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "training_jobs" (
    "id" SERIAL NOT NULL,
    "job_id" TEXT NOT NULL,
    "job_type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "s3_uri" TEXT,
    "config_json" JSONB,
    "result_json" JSONB,
    "error_message" TEXT,
    "submitted_at" TIMESTAMP(6) DEFAULT timezone('utc'::text, now()),
    "completed_at" TIMESTAMP(6),
    "export_config_id" INTEGER,

    CONSTRAINT "training_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "videos_filename_key" ON "videos"("filename");

-- CreateIndex
CREATE INDEX "idx_videos_filename" ON "videos"("filename");

-- CreateIndex
CREATE INDEX "idx_videos_upload_date" ON "videos"("upload_date" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "tags_name_key" ON "tags"("name");

-- CreateIndex
CREATE INDEX "idx_tags_name" ON "tags"("name");

-- CreateIndex
CREATE INDEX "idx_video_tags_tag" ON "video_tags"("tag_id");

-- CreateIndex
CREATE INDEX "idx_behaviors_video" ON "behaviors"("video_id");

-- CreateIndex
CREATE INDEX "idx_time_range_tags_video" ON "time_range_tags"("video_id");

-- CreateIndex
CREATE INDEX "idx_keyframe_annotations_video" ON "keyframe_annotations"("video_id");

-- CreateIndex
CREATE INDEX "idx_keyframe_annotations_video_timestamp" ON "keyframe_annotations"("video_id", "timestamp");

-- CreateIndex
CREATE INDEX "idx_keyframe_annotations_activity_tag" ON "keyframe_annotations"("activity_tag");

-- CreateIndex
CREATE UNIQUE INDEX "tag_groups_group_name_key" ON "tag_groups"("group_name");

-- CreateIndex
CREATE INDEX "idx_tag_groups_name" ON "tag_groups"("group_name");

-- CreateIndex
CREATE INDEX "idx_tag_options_group" ON "tag_options"("group_id");

-- CreateIndex
CREATE INDEX "idx_annotation_tags_annotation" ON "annotation_tags"("annotation_id", "annotation_type");

-- CreateIndex
CREATE INDEX "idx_annotation_tags_group" ON "annotation_tags"("group_id");

-- CreateIndex
CREATE INDEX "idx_tag_suggestions_category" ON "tag_suggestions"("category");

-- CreateIndex
CREATE UNIQUE INDEX "yolo_export_configs_config_name_key" ON "yolo_export_configs"("config_name");

-- CreateIndex
CREATE INDEX "idx_yolo_export_videos_config" ON "yolo_export_videos"("export_config_id");

-- CreateIndex
CREATE INDEX "idx_yolo_export_videos_video" ON "yolo_export_videos"("video_id");

-- CreateIndex
CREATE UNIQUE INDEX "yolo_export_videos_export_config_id_video_id_key" ON "yolo_export_videos"("export_config_id", "video_id");

-- CreateIndex
CREATE INDEX "idx_yolo_export_filters_config" ON "yolo_export_filters"("export_config_id");

-- CreateIndex
CREATE INDEX "idx_yolo_export_logs_config" ON "yolo_export_logs"("export_config_id");

-- CreateIndex
CREATE UNIQUE INDEX "fleet_vehicles_fleet_id_key" ON "fleet_vehicles"("fleet_id");

-- CreateIndex
CREATE INDEX "idx_fleet_vehicles_fleet_id" ON "fleet_vehicles"("fleet_id");

-- CreateIndex
CREATE INDEX "idx_fleet_vehicles_type" ON "fleet_vehicles"("fleet_type");

-- CreateIndex
CREATE INDEX "idx_vehicle_person_links_vehicle" ON "vehicle_person_links"("vehicle_fleet_id");

-- CreateIndex
CREATE INDEX "idx_vehicle_person_links_person" ON "vehicle_person_links"("person_name");

-- CreateIndex
CREATE UNIQUE INDEX "trailers_trailer_id_key" ON "trailers"("trailer_id");

-- CreateIndex
CREATE INDEX "idx_trailers_trailer_id" ON "trailers"("trailer_id");

-- CreateIndex
CREATE INDEX "idx_vehicle_trailer_links_vehicle" ON "vehicle_trailer_links"("vehicle_fleet_id");

-- CreateIndex
CREATE INDEX "idx_vehicle_trailer_links_trailer" ON "vehicle_trailer_links"("trailer_id");

-- CreateIndex
CREATE UNIQUE INDEX "sync_config_config_key_key" ON "sync_config"("config_key");

-- CreateIndex
CREATE INDEX "idx_sync_history_started_at" ON "sync_history"("started_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "ecoeye_alerts_alert_id_key" ON "ecoeye_alerts"("alert_id");

-- CreateIndex
CREATE INDEX "idx_ecoeye_alerts_timestamp" ON "ecoeye_alerts"("timestamp" DESC);

-- CreateIndex
CREATE INDEX "idx_ecoeye_alerts_download_state" ON "ecoeye_alerts"("video_available", "video_downloaded");

-- CreateIndex
CREATE UNIQUE INDEX "training_jobs_job_id_key" ON "training_jobs"("job_id");

-- CreateIndex
CREATE INDEX "idx_training_jobs_job_id" ON "training_jobs"("job_id");

-- CreateIndex
CREATE INDEX "idx_training_jobs_status" ON "training_jobs"("status");

-- CreateIndex
CREATE INDEX "idx_training_jobs_submitted_at" ON "training_jobs"("submitted_at" DESC);

-- CreateIndex
CREATE INDEX "idx_training_jobs_export_config" ON "training_jobs"("export_config_id");

-- AddForeignKey
ALTER TABLE "video_tags" ADD CONSTRAINT "video_tags_video_id_fkey" FOREIGN KEY ("video_id") REFERENCES "videos"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "video_tags" ADD CONSTRAINT "video_tags_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "tags"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "behaviors" ADD CONSTRAINT "behaviors_video_id_fkey" FOREIGN KEY ("video_id") REFERENCES "videos"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "time_range_tags" ADD CONSTRAINT "time_range_tags_video_id_fkey" FOREIGN KEY ("video_id") REFERENCES "videos"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "keyframe_annotations" ADD CONSTRAINT "keyframe_annotations_video_id_fkey" FOREIGN KEY ("video_id") REFERENCES "videos"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "tag_options" ADD CONSTRAINT "tag_options_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "tag_groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "annotation_tags" ADD CONSTRAINT "annotation_tags_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "tag_groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "yolo_export_videos" ADD CONSTRAINT "yolo_export_videos_export_config_id_fkey" FOREIGN KEY ("export_config_id") REFERENCES "yolo_export_configs"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "yolo_export_videos" ADD CONSTRAINT "yolo_export_videos_video_id_fkey" FOREIGN KEY ("video_id") REFERENCES "videos"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "yolo_export_filters" ADD CONSTRAINT "yolo_export_filters_export_config_id_fkey" FOREIGN KEY ("export_config_id") REFERENCES "yolo_export_configs"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "yolo_export_logs" ADD CONSTRAINT "yolo_export_logs_export_config_id_fkey" FOREIGN KEY ("export_config_id") REFERENCES "yolo_export_configs"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "vehicle_person_links" ADD CONSTRAINT "vehicle_person_links_vehicle_fleet_id_fkey" FOREIGN KEY ("vehicle_fleet_id") REFERENCES "fleet_vehicles"("fleet_id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "vehicle_trailer_links" ADD CONSTRAINT "vehicle_trailer_links_vehicle_fleet_id_fkey" FOREIGN KEY ("vehicle_fleet_id") REFERENCES "fleet_vehicles"("fleet_id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "vehicle_trailer_links" ADD CONSTRAINT "vehicle_trailer_links_trailer_id_fkey" FOREIGN KEY ("trailer_id") REFERENCES "trailers"("trailer_id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "training_jobs" ADD CONSTRAINT "training_jobs_export_config_id_fkey" FOREIGN KEY ("export_config_id") REFERENCES "yolo_export_configs"("id") ON DELETE NO ACTION ON UPDATE NO ACTION;
