# Postgres 15 from Debian's package, started by postgres-entrypoint.sh.
FROM local/debian-servers:bookworm
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
EXPOSE 5432
CMD ["/usr/local/bin/postgres-entrypoint.sh"]
