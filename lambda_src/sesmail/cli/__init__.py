"""The one toolkit every operator CLI uses: parser, exit codes, prompt, renderers, atomic files, audit log."""
