@NullMarked
package dev.meetingbridge.problem;

import org.jspecify.annotations.NullMarked;
