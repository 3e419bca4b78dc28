#!/bin/sh
# Tell the monitoring that a renewal ran.
logger -t certbot "renewal attempt finished"
