@NullMarked
package dev.meetingbridge.event;

import org.jspecify.annotations.NullMarked;
