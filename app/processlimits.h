#pragma once

namespace patchbay {

// Every open stream holds two sockets (client and provider); the usual soft limit of 1024
// open files would cap the gateway near 500 streams, so it is raised to the hard limit.
class ProcessLimits
{
public:
    // Returns the soft limit now in force, or -1 if it could not be read.
    static long raiseOpenFileLimit();
};

} // namespace patchbay
