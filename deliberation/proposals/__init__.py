"""Topic proposals for forums and workshops, their supports and comments, and polls on candidate themes."""
