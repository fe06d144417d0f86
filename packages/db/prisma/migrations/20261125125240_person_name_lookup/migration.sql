-- CreateIndex
CREATE INDEX "idx_annotation_tags_value" ON "annotation_tags" USING HASH ("tag_value");
