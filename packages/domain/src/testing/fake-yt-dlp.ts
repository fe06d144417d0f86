import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Installs a stand-in `yt-dlp` executable into `dir` (prepend it to PATH): `--version`, `--dump-json` (fixed
 * metadata) and downloads that copy `videoFile` to the `-o` template, printing title and path like
 * `--print title --print after_move:filepath`. URLs containing "fail" fail like an unsupported URL.
 */
export function installFakeYtDlp(dir: string, videoFile: string): string {
  mkdirSync(dir, { recursive: true });
  const script = `#!/usr/bin/env bash
if [ "$1" = "--version" ]; then echo 2026.01.01; exit 0; fi
url="\${@: -1}"
case "$url" in *fail*) echo "ERROR: Unsupported URL: $url" >&2; exit 1;; esac
for a in "$@"; do
  if [ "$a" = "--dump-json" ]; then
    echo '{"title":"Fake clip","duration":2.0,"width":64,"height":48,"filesize":null,"filesize_approx":4321,"uploader":"tester","thumbnail":"http://127.0.0.1/t.jpg","description":"A clip"}'
    exit 0
  fi
done
out=""; prev=""
for a in "$@"; do if [ "$prev" = "-o" ]; then out="$a"; fi; prev="$a"; done
id=$(printf '%s' "$url" | md5sum | cut -c1-8)
file="\${out//%(title)s/Fake_clip}"; file="\${file//%(id)s/$id}"; file="\${file//%(ext)s/mp4}"
cp ${JSON.stringify(videoFile)} "$file"
echo "Fake clip"
echo "$file"
`;
  const target = path.join(dir, 'yt-dlp');
  writeFileSync(target, script);
  chmodSync(target, 0o755);
  return target;
}
