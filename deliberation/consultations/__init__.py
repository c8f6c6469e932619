"""Expert consultations: a member asks the coordination committee, a coordinator assigns an expert,
who answers in a thread only the requester, the assignee and the coordinators ever see."""
