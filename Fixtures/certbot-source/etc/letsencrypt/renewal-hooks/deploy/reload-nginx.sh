#!/bin/sh
# Reload nginx after a renewal so it serves the new certificate.
systemctl reload nginx
