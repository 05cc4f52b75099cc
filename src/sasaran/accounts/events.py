"""What happens to workspaces and their members, announced to the apps above."""

from dataclasses import dataclass

from sasaran.events import Event


@dataclass(frozen=True, kw_only=True)
class MemberAdded(Event):
    name = "accounts.member_added"
    user_id: int
    role: str


@dataclass(frozen=True, kw_only=True)
class WorkspaceSettingsChanged(Event):
    """`fields`: the settings that changed (status thresholds, cadence, time zone, name)."""

    name = "accounts.workspace_settings_changed"
    fields: tuple[str, ...]
