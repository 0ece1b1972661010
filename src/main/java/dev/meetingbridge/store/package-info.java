@NullMarked
package dev.meetingbridge.store;

import org.jspecify.annotations.NullMarked;
