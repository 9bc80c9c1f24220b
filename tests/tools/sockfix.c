/* sockfix: creates sockets in known states for integration tests (not written yet). */
int main(void) { return 0; }
