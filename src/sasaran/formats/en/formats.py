# English dates as "30 Nov 2026": Django's default for "en" is the US "11/30/2026", which reads
# wrongly to most of the world (the demo company is in Jakarta) and is ambiguous to everyone.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
