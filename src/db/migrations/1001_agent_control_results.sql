-- Controls at an agent-served site go through its agent (the miners are on the site's private
-- network): the agent writes here what each machine did, and the API that sent the control reads it
-- back into its streamed answer and the control's completed event. One row per machine and control.
create table agent_control_results (
  control_id bigint not null,
  machine_id bigint not null,
  agent text not null,
  result jsonb not null,
  at timestamptz not null default now(),
  primary key (control_id, machine_id)
);
