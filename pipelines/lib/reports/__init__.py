"""Weekly huddle packs: build from the published marts, render to HTML/text, send by SMTP."""
