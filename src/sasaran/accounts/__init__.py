"""Users, workspaces, teams, memberships, roles and API tokens."""
