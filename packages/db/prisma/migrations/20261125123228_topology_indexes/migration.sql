-- CreateIndex
CREATE INDEX "idx_keyframe_annotations_created_date" ON "keyframe_annotations"("created_date");
