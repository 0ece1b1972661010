@NullMarked
package dev.meetingbridge.meeting;

import org.jspecify.annotations.NullMarked;
